import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { markOnce } from './lib/marks';

markOnce('script runs');

const target = document.getElementById('app');
if (!target) throw new Error('index.html lost its #app element');

const app = mount(App, { target });
markOnce('app mounted');

export default app;
