import type { SessionServices } from '../client/session-services.js';
import { SteeringRegistry } from './request-steering.js';

const registries = new WeakMap<SessionServices, SteeringRegistry>();

/**
 * The steering memory of one client (pending steers, models without steering), created on
 * first use; when the client closes, steers still pending end as unknown (`connection_lost`).
 */
export function steeringRegistryOf(services: SessionServices): SteeringRegistry {
  let registry = registries.get(services);
  if (registry === undefined) {
    const created = new SteeringRegistry();
    registry = created;
    registries.set(services, created);
    services.lifetime.addEventListener('abort', () => created.close(), { once: true });
  }
  return registry;
}
