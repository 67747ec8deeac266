// @ts-check
// clientflow dashboard: plain ES modules over the public v1 API, no framework, no build step.
//   model.js   the model's statuses and stages       format.js  numbers, durations, times, names
//   dom.js     element helpers (text, never HTML)    api.js     fetch with the key, errors, actions
//   sse.js     the event-stream reader               feed.js    one batch's live feed (a state machine)
//   timeline.js the timeline picture                 router.js  the address → one view
//   views/     home, batch (+ workflows, failures), metrics, key
import { startRouter, route, stop } from './router.js';
import { setupForm } from './views/home.js';
import { setupKey } from './views/key.js';

setupForm();
setupKey({ stop, route });
startRouter();
