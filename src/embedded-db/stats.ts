// Work counters, reported by serverStatus (embeddedDb section) so tests can prove index use.
export const stats = {
  docsExamined: 0,
  keysExamined: 0,
  commands: 0,
  connectionsOpened: 0,
  connectionsCurrent: 0,
};
