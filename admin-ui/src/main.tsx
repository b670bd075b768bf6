import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';
import { takeTokenFromLocation } from './token.ts';

takeTokenFromLocation();
const root = document.getElementById('app');
if (root) render(<App />, root);
