import { describe, expect, it } from 'vitest'
import { addressBucket, resolveClientAddress } from './clientAddress'

describe('the client address throttling counts against', () => {
  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(resolveClientAddress('203.0.113.7', null, 0)).toBe('203.0.113.7')
    expect(resolveClientAddress('203.0.113.7', '198.51.100.1', 0)).toBe('203.0.113.7')
    expect(resolveClientAddress('203.0.113.7', '198.51.100.1, 198.51.100.2', 0)).toBe('203.0.113.7')
    expect(resolveClientAddress(null, '198.51.100.1', 0)).toBeNull()
  })

  it('behind N trusted proxies, is what the outermost one saw; what the client wrote further left is ignored', () => {
    // One proxy (the TCP peer, 10.0.0.2) appended the client's address.
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7', 1)).toBe('203.0.113.7')
    // The client sent its own X-Forwarded-For to spend someone else's budget; the proxy appended the truth.
    expect(resolveClientAddress('10.0.0.2', '198.51.100.66, 203.0.113.7', 1)).toBe('203.0.113.7')
    // Two proxies: the CDN appended the client, the load balancer appended the CDN.
    expect(resolveClientAddress('10.0.0.2', '198.51.100.66, 203.0.113.7, 192.0.2.10', 2)).toBe('203.0.113.7')
    // A request that reached the app without its proxy: as far as the chain goes.
    expect(resolveClientAddress('10.0.0.2', null, 1)).toBe('10.0.0.2')
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7', 3)).toBe('203.0.113.7')
  })

  it('is unknown (not throttled per address) when the trusted entry is not an address', () => {
    expect(resolveClientAddress('10.0.0.2', 'unknown', 1)).toBeNull()
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7, _hidden', 1)).toBeNull()
    expect(resolveClientAddress('10.0.0.2', '', 1)).toBe('10.0.0.2')
  })

  it('counts IPv6 per /64, and IPv4-mapped IPv6 as the IPv4', () => {
    expect(addressBucket('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('2001:DB8::1')).toBe('2001:db8:0:0::/64')
    expect(addressBucket('::1')).toBe('0:0:0:0::/64')
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(addressBucket('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64')
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
  })

  it('drops ports and brackets that proxies sometimes write, and refuses what is not an address', () => {
    expect(addressBucket('203.0.113.7:51234')).toBe('203.0.113.7')
    expect(addressBucket('[2001:db8:1:2::9]:443')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('[2001:db8:1:2::9]')).toBe('2001:db8:1:2::/64')
    for (const junk of ['', 'localhost', '203.0.113', '999.1.1.1', '2001:db8::1::2', 'a'.repeat(400), '203.0.113.7; drop table']) {
      expect(addressBucket(junk)).toBeNull()
    }
  })
})
