/** Tells the candidate, in the room, exactly what the session records. */
export function RecordingNotice() {
  return (
    <section className="panel recording-notice" aria-label="What is recorded">
      <h2 className="panel-title">
        <span className="rec-dot" aria-hidden="true" /> Recorded
      </h2>
      <p>
        The interviewer can replay this session: the code as it changes, every run and its output, who joins and leaves, pastes longer than 200
        characters, and when this tab loses focus. Chat is kept with the room.
      </p>
    </section>
  );
}
