import { defineConfig } from 'vitest/config';
import { workspaceVitestOptions } from '../../vitest.shared.ts';

export default defineConfig(workspaceVitestOptions('fetch', import.meta.dirname, { runsModelClients: true }));
