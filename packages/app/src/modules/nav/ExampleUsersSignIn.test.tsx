import { fireEvent, render, screen, within } from '@testing-library/react';
import { ExampleUserPicker } from './ExampleUsersSignIn';

const users = [
  {
    entityRef: 'user:default/sofia.alvarez',
    displayName: 'Sofia Alvarez',
    teams: ['Population Health Analytics'],
  },
  {
    entityRef: 'user:default/aisha.khan',
    displayName: 'Aisha Khan',
    teams: ['Clinical Care Data'],
  },
];

describe('ExampleUserPicker', () => {
  it('offers each user with their team and signs in as the one picked', async () => {
    const onPick = jest.fn();
    render(<ExampleUserPicker users={users} onPick={onPick} />);

    const signIn = screen.getByRole('button', { name: 'Sign in as this user' });
    expect(signIn).toBeDisabled();

    fireEvent.mouseDown(screen.getByLabelText('User'));
    const options = within(await screen.findByRole('listbox')).getAllByRole(
      'option',
    );
    expect(options.map(o => o.textContent)).toEqual([
      'Sofia Alvarez — Population Health Analytics',
      'Aisha Khan — Clinical Care Data',
    ]);
    fireEvent.click(options[1]);

    expect(signIn).toBeEnabled();
    fireEvent.click(signIn);
    expect(onPick).toHaveBeenCalledWith('user:default/aisha.khan');
  });
});
