/**
 * The child process that reads the student's files (started by helpers/grade/as-student.ts with
 * the student's uid): one request as JSON on stdin, one answer as JSON on stdout. Nothing else.
 * A watch request (the live checklist) instead prints a digest line whenever the files change.
 */
import { readFileSync } from 'node:fs';
import { answer, type StudentRequest } from './student-reader.js';
import { watchStudentFiles, type WatchRequest } from './student-watch.js';

const req = JSON.parse(readFileSync(0, 'utf8')) as StudentRequest | WatchRequest;
if (req.kind === 'watch') watchStudentFiles(req, (line) => process.stdout.write(line));
else process.stdout.write(JSON.stringify(answer(req)));
