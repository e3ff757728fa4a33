import { defineConfig } from 'vitest/config';
import { workspaceVitestOptions } from '../../vitest.shared.ts';

export default defineConfig(workspaceVitestOptions('ai-sdk', import.meta.dirname));
