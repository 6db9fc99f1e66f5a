"use client";
/** Unexpected failures while rendering a signed-in page. */
export default function ConsoleError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="alert alert-error" role="alert">
      <p>
        <strong>Something went wrong while showing this page.</strong>
      </p>
      <p>The console or the API failed unexpectedly. Try again; if it keeps failing, check the console's logs.</p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
