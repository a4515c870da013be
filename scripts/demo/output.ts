/** The demo's console output: a section heading with its one-line explanation, and indented detail lines. */
export const section = (title: string, explanation: string): void => console.log(`\n▶ ${title}\n  ${explanation}`);
export const detail = (text: string): void => console.log(`  ${text}`);
