import { describe, expect, it } from 'vitest'
import { localGatewayUrl } from '../../scripts/demo/embedded.ts'

describe('the gateway address the embedded seeder calls', () => {
  it.each([
    ['127.0.0.1', 'http://127.0.0.1:8080'],
    ['0.0.0.0', 'http://127.0.0.1:8080'],
    ['::', 'http://127.0.0.1:8080'],
    ['', 'http://127.0.0.1:8080'],
    ['192.0.2.10', 'http://192.0.2.10:8080'],
    ['::1', 'http://[::1]:8080'],
    ['shop.example.com', 'http://shop.example.com:8080'],
  ])('when HOST is %j, it is %s', (host, url) => {
    expect(localGatewayUrl(host, 8080)).toBe(url)
  })
})
