// The floor for a block printing 200 000 lines: spawn the command, pipe its output to a file.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

const child = spawn('bash', ['-c', 'seq 1 200000'], { stdio: ['ignore', 'pipe', 'inherit'] });
child.stdout.pipe(createWriteStream(process.argv[2]));
child.on('close', (code) => process.exit(code ?? 1));
