/**
 * Runs inside Chromium (bundled by bench/ui.ts): paints the same brush path on a 2048×2048
 * label map three ways and reports per-frame main-thread time and rAF intervals.
 *  - dirty: the app's painter (dirty-rectangle putImageData into one Konva.Image)
 *  - full:  peer, re-renders and uploads the whole map every frame
 *  - vector: peer, keeps vector strokes and replays all of them every frame (what freezes other tools)
 */
import Konva from 'konva';
import { MaskLayer } from '../src/renderer/canvas/mask-layer.ts';
import { renderRect } from '../src/renderer/lib/mask-render.ts';
import { strokeSegment } from '../src/renderer/lib/raster.ts';
import type { LabelMap, Point } from '../src/renderer/lib/types.ts';

const SIZE = 2048;

function path(frames: number, perFrame: number): Point[][] {
  // Strokes of 30 frames each, sweeping across the image like a user outlining lungs.
  const out: Point[][] = [];
  for (let f = 0; f < frames; f++) {
    const stroke = Math.floor(f / 30);
    const pts: Point[] = [];
    for (let k = 0; k < perFrame; k++) {
      const t = ((f % 30) * perFrame + k) / (30 * perFrame);
      const cy = 200 + ((stroke * 97) % 1600);
      pts.push({ x: 200 + t * 1600, y: cy + 120 * Math.sin(t * 6 + stroke) });
    }
    out.push(pts);
  }
  return out;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function run(mode: 'dirty' | 'full' | 'vector', frames: number, brush: number) {
  const host = document.getElementById('c') as HTMLDivElement;
  host.innerHTML = '';
  const stage = new Konva.Stage({ container: host, width: 1024, height: 1024 });
  const imgLayer = new Konva.Layer({ listening: false });
  const maskLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false });
  for (const l of [imgLayer, maskLayer]) l.scale({ x: 0.5, y: 0.5 });
  stage.add(imgLayer, maskLayer);
  const bg = document.createElement('canvas');
  bg.width = bg.height = SIZE;
  const g = bg.getContext('2d')!;
  const grad = g.createLinearGradient(0, 0, SIZE, SIZE);
  grad.addColorStop(0, '#222');
  grad.addColorStop(1, '#ccc');
  g.fillStyle = grad;
  g.fillRect(0, 0, SIZE, SIZE);
  imgLayer.add(new Konva.Image({ image: bg }));
  imgLayer.draw();

  const map: LabelMap = { width: SIZE, height: SIZE, data: new Uint8Array(SIZE * SIZE) };
  const node = new Konva.Image({ image: undefined, opacity: 0.5 });
  maskLayer.add(node);
  const layer = new MaskLayer(map, [255, 64, 64], () => {});
  layer.flush();
  node.image(layer.canvas);
  const fullCtx = layer.canvas.getContext('2d')!;
  const strokes: Point[][] = [];

  const plan = path(frames, 4);
  const work: number[] = [];
  const intervals: number[] = [];
  let last = 0;
  await new Promise<void>((resolve) => {
    let f = 0;
    const tick = (ts: number) => {
      if (last) intervals.push(ts - last);
      last = ts;
      const t0 = performance.now();
      const pts = plan[f];
      if (f % 30 === 0) strokes.push([]);
      let prev = f % 30 === 0 ? pts[0] : plan[f - 1][3];
      for (const p of pts) {
        if (mode === 'vector') strokes[strokes.length - 1].push(p);
        else {
          const r = strokeSegment(map, prev, p, brush, 255);
          if (mode === 'dirty') layer.invalidate(r);
        }
        prev = p;
      }
      if (mode === 'dirty') layer.flush();
      else if (mode === 'full') {
        const img = fullCtx.createImageData(SIZE, SIZE);
        renderRect(map, { x: 0, y: 0, w: SIZE, h: SIZE }, false, img.data, [255, 64, 64]);
        fullCtx.putImageData(img, 0, 0);
      } else {
        fullCtx.clearRect(0, 0, SIZE, SIZE);
        fullCtx.strokeStyle = 'rgb(255,64,64)';
        fullCtx.lineWidth = brush;
        fullCtx.lineCap = fullCtx.lineJoin = 'round';
        for (const s of strokes) {
          fullCtx.beginPath();
          for (let i = 0; i < s.length; i++) {
            if (i) fullCtx.lineTo(s[i].x, s[i].y);
            else fullCtx.moveTo(s[i].x, s[i].y);
          }
          fullCtx.stroke();
        }
      }
      maskLayer.draw();
      // Reading one stage pixel forces the raster work to finish inside this frame's timing.
      stage.toCanvas({ x: 0, y: 0, width: 1, height: 1 }).getContext('2d')!.getImageData(0, 0, 1, 1);
      work.push(performance.now() - t0);
      f++;
      if (f < frames) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  stage.destroy();
  let painted = 0;
  for (let i = 0; i < map.data.length; i++) if (map.data[i]) painted++;
  return {
    mode,
    frames,
    p50: pct(work, 50),
    p95: pct(work, 95),
    max: Math.max(...work),
    intervalP95: pct(intervals, 95),
    painted,
  };
}

(window as unknown as { runBrush: typeof run }).runBrush = run;
