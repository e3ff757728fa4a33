#!/usr/bin/env node
// `modelwire-doctor` (and `npx -p @modelwire/client modelwire-doctor`): checks the network
// path to a Responses provider and prints a table with a fix for each failure.
import { runDoctorCli } from './doctor-cli.js';

process.exitCode = await runDoctorCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
