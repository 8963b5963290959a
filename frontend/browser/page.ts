// The page the browser benchmark and checks drive (render.html): the app's
// styles and policy, the renderer with its worker, and the old renderer.
import '../src/app.css';
import 'katex/dist/katex.min.css';
import '../src/lib/render/render.css';
import './measure';
import './checks';

document.title = 'ready';
