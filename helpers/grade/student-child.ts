/**
 * The child process that reads the student's files (started by helpers/grade/as-student.ts with
 * the student's uid): one request as JSON on stdin, one answer as JSON on stdout. Nothing else.
 */
import { readFileSync } from 'node:fs';
import { answer, type StudentRequest } from './student-reader.js';

const req = JSON.parse(readFileSync(0, 'utf8')) as StudentRequest;
process.stdout.write(JSON.stringify(answer(req)));
