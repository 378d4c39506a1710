#!/usr/bin/env node
// Package bin: the pipeline CLI, run through tsx's loader (the project ships TypeScript).
import { register } from 'tsx/esm/api';

register();
await import('../pipeline/cli.ts');
