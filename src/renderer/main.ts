import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { scrubToken } from './lib/scrub-token.ts';

scrubToken(location, history);

mount(App, { target: document.getElementById('app')! });
