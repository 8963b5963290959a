import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { hasBackend } from './lib/backend';

const target = document.getElementById('app');
if (!target) {
  throw new Error('Murmur: #app element missing from index.html');
}

// The desktop's Wails bindings are in place before this runs; without them
// this is the web app, and the Go core starts in a worker.
if (!hasBackend()) {
  const { startWeb } = await import('./web/start');
  startWeb();
}

export default mount(App, { target });
