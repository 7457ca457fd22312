import { afterAll } from 'vitest';
import { removeTmpDirs } from './cli.js';

afterAll(() => removeTmpDirs());
