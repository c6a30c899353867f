// The starter app's configuration: when a guest merges into an existing account (OAuth2
// identity or email already taken, or a password sign-in), its notes move with it.
export default {
  auth: {
    anonymous: {
      merge: { notes: 'owner' },
    },
  },
};
