import { defineConfig } from 'vitest/config';
import { workspaceVitestOptions } from '../../vitest.shared.ts';

export default defineConfig(workspaceVitestOptions('agents', import.meta.dirname));
