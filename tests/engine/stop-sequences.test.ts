import { describe, expect, it } from "vitest";
import { createStopMatcher } from "../../src/engine/stop-sequences.ts";

/** Feeds pieces; returns everything emitted (flushing at the end unless stopped) and whether it stopped. */
function run(stops: string[], pieces: string[]): { out: string; stopped: boolean; emitted: string[] } {
  const m = createStopMatcher(stops);
  const emitted: string[] = [];
  let stopped = false;
  for (const p of pieces) {
    const step = m.push(p);
    emitted.push(step.text);
    if (step.stopped) {
      stopped = true;
      break;
    }
  }
  if (!stopped) emitted.push(m.flush());
  return { out: emitted.join(""), stopped, emitted };
}

describe("createStopMatcher", () => {
  it("passes text through when there are no stop sequences", () => {
    expect(run([], ["a", "b", "c"]).emitted).toEqual(["a", "b", "c", ""]);
  });

  it("stops inside one piece, emitting the text before the sequence but not the sequence", () => {
    expect(run(["END"], ["hello END world"])).toMatchObject({ out: "hello ", stopped: true });
  });

  it("finds a sequence split across pieces and holds back the partial match meanwhile", () => {
    const r = run(["\nUser:"], ["Hi there!", "\nUs", "er", ": next"]);
    expect(r.emitted).toEqual(["Hi there!", "", "", ""]);
    expect(r).toMatchObject({ out: "Hi there!", stopped: true });
  });

  it("releases held text once it can no longer become a stop sequence", () => {
    const r = run(["\nUser:"], ["a\nUs", "ual"]);
    expect(r.emitted).toEqual(["a", "\nUsual", ""]);
    expect(r.stopped).toBe(false);
  });

  it("flushes a held tail when generation ends without a stop", () => {
    expect(run(["###"], ["done #", "#"]).emitted).toEqual(["done ", "", "##"]);
  });

  it("cuts at the earliest of several stop sequences", () => {
    expect(run(["world", "lo w"], ["hel", "lo world"])).toMatchObject({ out: "hel", stopped: true });
  });

  it("matches a sequence that arrives one character at a time", () => {
    expect(run(["</s>"], [..."answer</s>tail"])).toMatchObject({ out: "answer", stopped: true });
  });

  it("yields nothing after it stopped", () => {
    const m = createStopMatcher(["x"]);
    expect(m.push("abxcd")).toEqual({ text: "ab", stopped: true });
    expect(m.push("more")).toEqual({ text: "", stopped: true });
    expect(m.flush()).toBe("");
  });

  it("refuses empty stop sequences", () => {
    expect(() => createStopMatcher(["ok", ""])).toThrow("stop sequences must be non-empty strings");
  });
});
