import { defineConfig } from 'vitest/config';
import { workspaceVitestOptions } from '../../vitest.shared.ts';

const shared = workspaceVitestOptions('reliability', import.meta.dirname, { runsModelClients: true });

/** The stale-frame property of `@modelwire/client` (a few dozen runs there), run here at full size. */
const STALE_FRAME_PROPERTY = '../../packages/client/src/integration/stale-frames.property.test.ts';

export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: [...(shared.test?.include ?? []), STALE_FRAME_PROPERTY],
    env: { MODELWIRE_STALE_FRAME_RUNS: '2000' },
  },
});
