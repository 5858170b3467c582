import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';

/*
 * The backend's notes are sentences meant for the product's owner, each with
 * its fix. They are grouped by what they are about, so that ten notes on
 * masked columns read as one topic, and collapsed: the card's first job is
 * the names and the drift.
 */
const TOPICS: { title: string; test: RegExp }[] = [
  { title: 'Recorded names', test: /^spec\.infrastructure\b/ },
  { title: 'Personal data masking', test: /\bPII\b|masking|masked/i },
  { title: 'Objects adopted by this product', test: /\badopted\b/ },
];
const OTHER = 'Other';

/** Notes grouped by topic, in the topics' order, "Other" last. */
export function groupNotes(
  notes: string[],
): { title: string; notes: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const note of notes) {
    const title = TOPICS.find(t => t.test.test(note))?.title ?? OTHER;
    groups.set(title, [...(groups.get(title) ?? []), note]);
  }
  return [...TOPICS.map(t => t.title), OTHER]
    .filter(title => groups.has(title))
    .map(title => ({ title, notes: groups.get(title)! }));
}

/** The infrastructure notes of a product, grouped, collapsed until opened. */
export function InfraNotes(props: { notes: string[] }) {
  const { notes } = props;
  if (notes.length === 0) return null;
  return (
    <Accordion
      variant="outlined"
      data-testid="infra-notes"
      TransitionProps={{ unmountOnExit: true }}
      style={{ marginTop: 16 }}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="subtitle2" component="h3">
          Notes for the owner ({notes.length})
        </Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Box>
          {groupNotes(notes).map(group => (
            <Box key={group.title} mb={1} data-testid="infra-note-group">
              <Typography variant="body2" component="h4">
                <strong>{group.title}</strong>
              </Typography>
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {group.notes.map(note => (
                  <li key={note}>
                    <Typography variant="body2" color="textSecondary">
                      {note}
                    </Typography>
                  </li>
                ))}
              </ul>
            </Box>
          ))}
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}
