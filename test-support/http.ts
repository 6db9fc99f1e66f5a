/** The `error.code` of a documented Kapsel error answer (docs/errors.md). */
export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code?: string } };
  return body.error?.code ?? `(no error code: ${JSON.stringify(body)})`;
}

export interface IngestAnswer {
  event_id: string;
  status: string;
  error: { code: string; message: string };
}
