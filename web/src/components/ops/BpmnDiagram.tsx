"use client";

import { useEffect, useRef, useState } from "react";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";

export interface DiagramMarks {
  done: string[];
  /** Left without completing (a failed or timed-out step, a cancelled instance). */
  terminated: string[];
  current: string[];
  incident: string[];
}

interface ElementLike {
  id: string;
  waypoints?: unknown;
  source?: { id: string };
  target?: { id: string };
}

interface Canvas {
  zoom: (v: string) => void;
  addMarker: (id: string, cls: string) => void;
}
interface Registry {
  getAll: () => ElementLike[];
  get: (id: string) => ElementLike | undefined;
}
interface ViewerLike {
  importXML: (xml: string) => Promise<unknown>;
  get: (name: string) => unknown;
  destroy: () => void;
}

/**
 * Renders a BPMN definition with bpmn-js (NavigatedViewer: pan with drag, zoom with wheel or
 * keyboard) and marks the elements the instance passed, the one it waits in, and incidents.
 */
export function BpmnDiagram({ xml, marks, label }: { xml: string; marks: DiagramMarks; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const marksKey = JSON.stringify(marks);

  useEffect(() => {
    let viewer: ViewerLike | null = null;
    let cancelled = false;
    (async () => {
      const { default: NavigatedViewer } = await import("bpmn-js/lib/NavigatedViewer");
      if (cancelled || !container.current) return;
      viewer = new NavigatedViewer({ container: container.current }) as unknown as ViewerLike;
      try {
        await viewer.importXML(xml);
      } catch (err) {
        if (!cancelled) setError(`The diagram could not be drawn: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      if (cancelled) return;
      const canvas = viewer.get("canvas") as Canvas;
      const registry = viewer.get("elementRegistry") as Registry;
      canvas.zoom("fit-viewport");
      const m = JSON.parse(marksKey) as DiagramMarks;
      const visited = new Set([...m.done, ...m.terminated, ...m.current, ...m.incident]);
      const mark = (id: string, cls: string) => {
        if (registry.get(id)) canvas.addMarker(id, cls);
      };
      m.done.forEach((id) => mark(id, "saga-done"));
      m.terminated.forEach((id) => mark(id, "saga-terminated"));
      m.current.forEach((id) => mark(id, "saga-current"));
      m.incident.forEach((id) => mark(id, "saga-incident"));
      for (const el of registry.getAll()) {
        if (el.waypoints && el.source && el.target && visited.has(el.source.id) && visited.has(el.target.id)) {
          canvas.addMarker(el.id, "saga-taken");
        }
      }
    })();
    return () => {
      cancelled = true;
      viewer?.destroy();
    };
  }, [xml, marksKey]);

  return (
    <figure className="flex flex-col gap-2">
      <div ref={container} role="img" aria-label={label} className="h-[22rem] w-full overflow-hidden rounded-2xl border border-slate-200 bg-white" tabIndex={0} />
      {error ? <p role="alert" className="text-sm text-red-800">{error}</p> : null}
      <figcaption className="flex flex-wrap gap-4 text-xs text-slate-600">
        <span className="flex items-center gap-1.5"><span className="h-3 w-3 rounded border-2 border-emerald-700 bg-emerald-50" /> passed</span>
        <span className="flex items-center gap-1.5"><span className="h-3 w-3 rounded border-2 border-dashed border-slate-500 bg-slate-100" /> interrupted</span>
        <span className="flex items-center gap-1.5"><span className="h-3 w-3 rounded border-2 border-orange-600 bg-orange-50" /> current</span>
        <span className="flex items-center gap-1.5"><span className="h-3 w-3 rounded border-2 border-red-700 bg-red-50" /> incident</span>
      </figcaption>
    </figure>
  );
}
