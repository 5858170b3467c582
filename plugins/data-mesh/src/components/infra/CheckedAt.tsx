/** When the warehouse was read, in the reader's locale; the text as sent when it is no date. */
export function CheckedAt(props: { iso: string }) {
  const at = new Date(props.iso);
  return (
    <time dateTime={props.iso}>
      {Number.isNaN(at.getTime()) ? props.iso : at.toLocaleString()}
    </time>
  );
}
