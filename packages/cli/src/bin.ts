#!/usr/bin/env node
import { run } from "./main.js";

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error("nothing on stdin: pipe a request in, or pass a file instead of -");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, readStdin });
