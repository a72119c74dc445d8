import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import type { Bilingual } from '../platform/language.js'

/**
 * Where a webhook may POST. A webhook is a URL a client chose, fetched by the server
 * from inside its own network: without a check, anyone with a token could make the
 * gate call its database host, a cloud metadata service or an admin port (SSRF). By
 * default only public addresses are reached; WEBHOOK_ALLOW_PRIVATE_NETWORKS lifts
 * that for receivers on the same network.
 */
const NOT_PUBLIC = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4] // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4')
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback, and IPv4-compatible (::127.0.0.1)
  ['::ffff:0:0:0', 96], // SIIT-translated IPv4
  ['64:ff9b::', 96], // NAT64: DNS64 turns a private A record into one of these
  ['64:ff9b:1::', 48], // local-use NAT64
  ['2001::', 32], // Teredo
  ['2002::', 16], // 6to4, which embeds any IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed somewhere)
  ['ff00::', 8] // multicast
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6')
}

/** Why an address is not a public one, or null when it is. */
export function refusedAddress(ip: string): Bilingual | null {
  const family = isIP(ip)
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] : undefined
  if (mapped !== undefined) return refusedAddress(mapped)
  return NOT_PUBLIC.check(ip, family === 6 ? 'ipv6' : 'ipv4') ? { zh: `${ip}不是公网地址`, en: `${ip} is not a public address` } : null
}

/** What can be judged from the URL alone: a literal address or a local name. The client is told why, in both languages. */
export function refusedUrl(url: string): Bilingual | null {
  // The schema's "uri" format is looser than the URL parser fetch uses.
  const shown = JSON.stringify(url.slice(0, 100))
  if (!URL.canParse(url)) return { zh: `${shown}不是可用于发送请求的URL`, en: `${shown} is not a URL fetch can use` }
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return { zh: `${host}是本地主机名`, en: `${host} is a local name` }
  return isIP(host) === 0 ? null : refusedAddress(host)
}

export type Resolve = (host: string, options: { all: true; verbatim: true }) => Promise<Array<{ address: string }>>

/**
 * The check before each delivery: the name is resolved and every address it has must
 * be public. (A name can be re-pointed between this check and the connection; the
 * check still stops every receiver that is simply configured to a private address.)
 */
export async function refusedDestination(url: string, resolve: Resolve = lookup): Promise<string | null> {
  // Kept as the delivery's lastError, which is English like its other errors ("HTTP 503").
  const literal = refusedUrl(url)
  if (literal !== null) return literal.en
  const host = new URL(url).hostname
  if (isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0) return null
  let addresses: Array<{ address: string }>
  try {
    addresses = await resolve(host, { all: true, verbatim: true })
  } catch (err) {
    return `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? String(err)})`
  }
  for (const { address } of addresses) {
    const refused = refusedAddress(address)
    if (refused !== null) return `${host} resolves to ${refused.en}`
  }
  return null
}
