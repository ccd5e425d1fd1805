import { languageLabel, type TimelineEvent } from '@pairpad/protocol';

/** One timeline event in words, for the playback list. */
export function describeEvent(event: TimelineEvent): string {
  switch (event.kind) {
    case 'join':
      return `${event.name} (${event.role}) joined`;
    case 'leave':
      return `${event.name} (${event.role}) left`;
    case 'paste':
      return `${event.name} pasted ${event.chars} characters${event.path ? ` into ${event.path}` : ''}`;
    case 'focus':
      return event.focused ? `${event.name}'s tab regained focus` : `${event.name}'s tab lost focus`;
    case 'language':
      return `Language set to ${languageLabel(event.language)}`;
    case 'lock':
      return event.locked ? `${event.name} locked editing` : `${event.name} unlocked editing`;
    case 'run-disabled':
      return event.disabled ? `${event.name} turned Run off for candidates` : `${event.name} turned Run back on`;
    case 'end':
      return `${event.name} ended the interview`;
    case 'question':
      return event.edited
        ? `${event.name} edited the question (${event.tests} test cases)`
        : `${event.name} loaded the question "${event.title ?? 'Untitled'}" (${event.tests} test cases)`;
    case 'tests':
      return `Tests run by ${event.name}: ${event.summary}`;
    case 'run':
      return `Run by ${event.run.startedBy.name}: ${event.run.result?.statusText ?? (event.run.error ? event.run.error.message : event.run.state)}`;
  }
}
