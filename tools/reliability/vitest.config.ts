import { defineConfig } from 'vitest/config';
import { workspaceVitestOptions } from '../../vitest.shared.ts';

export default defineConfig(workspaceVitestOptions('reliability', import.meta.dirname));
