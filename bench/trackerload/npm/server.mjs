// server.mjs runs bittorrent-tracker's own Server with only its WebSocket
// tracker, the baseline that `go run ./bench/trackerload` loads beside
// srs-p2p's tracker.
//
//   node server.mjs [--interval-seconds 60]
//
// It listens on 127.0.0.1 on a port the kernel picks, prints the tracker's
// ws:// URL as the only line on stdout, and exits on SIGTERM, SIGINT or when
// stdin closes (the parent went away).
//
// The server module is imported on its own ('bittorrent-tracker/server'): the
// package's index also loads the client, whose WebRTC polyfill needs a
// native module the tracker does not use.
import Server from 'bittorrent-tracker/server'

const usage = 'usage: node server.mjs [--interval-seconds N]'

function parseArgs (argv) {
  let intervalSeconds = 60
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--interval-seconds' && i + 1 < argv.length) {
      intervalSeconds = Number(argv[++i])
    } else {
      throw new Error(`unknown argument ${JSON.stringify(argv[i])}; ${usage}`)
    }
  }
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 3600) {
    throw new Error(`--interval-seconds must be an integer 1..3600; ${usage}`)
  }
  return { intervalSeconds }
}

let args
try {
  args = parseArgs(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`bittorrent-tracker baseline: ${err.message}\n`)
  process.exit(2)
}

// bittorrent-tracker tells WebSocket clients an interval of intervalMs / 5
// (lib: "WebSocket tracker should have a shorter interval"), so this is the
// way to make it announce the same interval as srs-p2p's tracker.
const server = new Server({
  udp: false,
  http: false,
  ws: true,
  stats: false,
  interval: args.intervalSeconds * 5 * 1000
})

// Bad requests are "warnings" for the server; under load they are counted,
// not logged one by one, and summed up at exit.
let warnings = 0
let lastWarning = ''
server.on('warning', err => {
  warnings++
  lastWarning = err && err.message ? err.message : String(err)
})
server.on('error', err => {
  process.stderr.write(`bittorrent-tracker baseline: server error: ${err && err.message}\n`)
  process.exit(1)
})

function stop (why) {
  process.stderr.write(`bittorrent-tracker baseline: stopping (${why}); warnings=${warnings}` +
    (lastWarning ? ` last=${JSON.stringify(lastWarning)}` : '') + '\n')
  // Exit at once: closing every socket of a loaded server gracefully could
  // take long, and the parent measures nothing after it asked us to stop.
  process.exit(0)
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
process.stdin.on('end', () => stop('stdin closed'))
process.stdin.on('error', () => stop('stdin error'))
process.stdin.resume()

server.listen(0, '127.0.0.1', () => {
  const { address, port } = server.ws.address()
  process.stdout.write(`ws://${address}:${port}\n`)
})
