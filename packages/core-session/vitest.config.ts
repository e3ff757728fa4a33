import { defineConfig } from 'vitest/config';
import { workspaceVitestOptions } from '../../vitest.shared.ts';

export default defineConfig(workspaceVitestOptions('core-session', import.meta.dirname, { runsModelClients: true }));
