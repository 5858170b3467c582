/*
 * A subscriber to the plugin's events, as an on-call tool or an audit
 * system would be: a module of the data-mesh plugin that keeps the
 * payloads published on a topic, through the backend's real events service.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';

export function topicSubscriber<T>(topic: string, onEvent: (event: T) => void) {
  return createBackendModule({
    pluginId: 'data-mesh',
    moduleId: 'test-subscriber',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: `test-subscriber-${topic}`,
            topics: [topic],
            async onEvent(params) {
              onEvent(params.eventPayload as T);
            },
          });
        },
      });
    },
  });
}
