/*
 * Sign in as one of the example users (dev only; the backend's example-users
 * provider refuses outside development): a person trying the portal on the
 * embedded default can request access as an analyst, then approve it as the
 * owning team. The chosen user is kept in localStorage so a reload signs in
 * again; signing out forgets it and shows the sign-in page.
 */
import { useEffect, useState } from 'react';
import type { IdentityApi, SignInPageProps } from '@backstage/core-plugin-api';
import { discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import {
  InfoCard,
  ProxiedSignInPage,
  SignInPage,
} from '@backstage/core-components';
import {
  Box,
  Button,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  Typography,
} from '@material-ui/core';

/** Must match the backend module (packages/backend/src/modules/exampleUsers.ts). */
const PROVIDER_ID = 'example-users';
const USER_HEADER = 'x-datamesh-example-user';
const STORAGE_KEY = 'datamesh.exampleUser';

/** A user the backend offers (name and teams from the catalog). */
export interface ExampleUser {
  entityRef: string;
  displayName: string;
  teams: string[];
}

/** The picker card: a user (name — team) and a button. */
export function ExampleUserPicker(props: {
  users: ExampleUser[];
  onPick: (entityRef: string) => void;
}) {
  const { users, onPick } = props;
  const [chosen, setChosen] = useState('');
  return (
    <InfoCard
      title="Example users"
      subheader="Try both sides of an access request"
    >
      <Typography variant="body2" paragraph>
        Sign in as an analyst to request access to a data product, then as an
        owner of that product to approve it. Development only.
      </Typography>
      <Box display="flex" alignItems="flex-end" style={{ gap: 16 }}>
        <FormControl style={{ minWidth: 280 }}>
          <InputLabel id="example-user-label">User</InputLabel>
          <Select
            labelId="example-user-label"
            value={chosen}
            onChange={e => setChosen(String(e.target.value))}
          >
            {users.map(u => (
              <MenuItem key={u.entityRef} value={u.entityRef}>
                {u.displayName}
                {u.teams.length ? ` — ${u.teams.join(', ')}` : ''}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Button
          variant="outlined"
          color="primary"
          disabled={!chosen}
          onClick={() => onPick(chosen)}
        >
          Sign in as this user
        </Button>
      </Box>
    </InfoCard>
  );
}

/** The example users the backend offers; none when it refuses (production). */
function useExampleUsers(): ExampleUser[] {
  const discovery = useApi(discoveryApiRef);
  const [users, setUsers] = useState<ExampleUser[]>([]);
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const base = await discovery.getBaseUrl('auth');
        const res = await fetch(`${base}/${PROVIDER_ID}/users`);
        if (res.ok && live) setUsers((await res.json()).users ?? []);
      } catch {
        // not offered: the guest card stays the only way in
      }
    })();
    return () => {
      live = false;
    };
  }, [discovery]);
  return users;
}

/** Forgets the chosen user when they sign out, so the picker shows again. */
function forgetOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      localStorage.removeItem(STORAGE_KEY);
      await identity.signOut();
    },
  };
}

/**
 * Guest sign-in as before, and below the title the example users, when the
 * backend offers them.
 */
export function DataMeshSignInPage(props: SignInPageProps) {
  const users = useExampleUsers();
  const [chosen, setChosen] = useState(() => localStorage.getItem(STORAGE_KEY));

  if (chosen) {
    return (
      <ProxiedSignInPage
        {...props}
        provider={PROVIDER_ID}
        headers={{ [USER_HEADER]: chosen }}
        onSignInSuccess={identity =>
          props.onSignInSuccess(forgetOnSignOut(identity))
        }
        ErrorComponent={({ error }) => (
          <Box p={4}>
            <Typography paragraph>
              Could not sign in as {chosen}: {error?.message}
            </Typography>
            <Button
              variant="outlined"
              onClick={() => {
                localStorage.removeItem(STORAGE_KEY);
                setChosen(null);
              }}
            >
              Back to sign-in
            </Button>
          </Box>
        )}
      />
    );
  }
  return (
    <SignInPage
      {...props}
      align="center"
      providers={['guest']}
      titleComponent={
        <Box width="100%">
          <Typography variant="h4" align="center" paragraph>
            Backstage Data Mesh
          </Typography>
          {users.length > 0 && (
            <Box maxWidth={640} mx="auto" mb={2}>
              <ExampleUserPicker
                users={users}
                onPick={ref => {
                  localStorage.setItem(STORAGE_KEY, ref);
                  setChosen(ref);
                }}
              />
            </Box>
          )}
        </Box>
      }
    />
  );
}
