/**
 * The secrets of one driven session, held in memory only: the environment's resolved `${ENV}`
 * values and the values of inputs declared secret. Its redactor is the one every event, every
 * result and every line of live output passes through before anyone sees it.
 */
import { Redactor } from '../../state/redact.js';

export class SessionSecrets {
  readonly redactor: Redactor;
  private readonly inputValues: Record<string, string> = {};
  private readonly stepValues: Record<string, string> = {};

  constructor(environmentSecrets: Iterable<string>) {
    this.redactor = new Redactor(environmentSecrets);
  }

  /** Remembers the value of a runbook input declared secret. */
  rememberInput(name: string, value: string): void {
    this.inputValues[name] = value;
    this.redactor.addSecret(value);
  }

  /** Remembers the value typed into an input step declared secret. */
  rememberStep(stepId: string, value: string): void {
    this.stepValues[stepId] = value;
    this.redactor.addSecret(value);
  }

  hasInput(name: string): boolean {
    return name in this.inputValues;
  }

  /** The values for the template scope. */
  get values(): { readonly inputs: Readonly<Record<string, string>>; readonly steps: Readonly<Record<string, string>> } {
    return { inputs: this.inputValues, steps: this.stepValues };
  }
}
