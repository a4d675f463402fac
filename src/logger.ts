/** Where progress and warnings go (stderr in the CLI, the runner log in the action). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Progress of a long step (optional): `done` of `total` units. */
  progress?(label: string, done: number, total: number): void;
}
