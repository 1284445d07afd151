import { text } from 'node:stream/consumers';
import { runCli } from './tether-cli.js';

/** `npm run tether -- <command>`: the server API from a terminal (see the README). */
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: () => text(process.stdin),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
