// Scripted failures: a queue that upload POSTs consume one by one.
import type { Fault } from "./types.ts";

export class FaultQueue {
  readonly #queue: Fault[] = [];

  push(...faults: Fault[]): void {
    for (const fault of faults) validateFault(fault);
    this.#queue.push(...faults);
  }

  /** The fault for the next upload, or undefined for normal behaviour. */
  next(): Fault | undefined {
    return this.#queue.shift();
  }
}

function validateFault(fault: Fault): void {
  if (fault.kind === "reset-mid-body" && !(fault.afterBytes >= 0)) {
    throw new RangeError("reset-mid-body needs afterBytes >= 0");
  }
  if (fault.kind === "delay" && !(fault.ms >= 0)) throw new RangeError("delay needs ms >= 0");
  if ((fault.kind === "status" || fault.kind === "html") && !(fault.status >= 100)) {
    throw new RangeError(`${fault.kind} needs an HTTP status`);
  }
}
