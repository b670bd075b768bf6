import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { refusalInWords } from '../format.ts';
import { clearToken, saveToken } from '../token.ts';

/** Paste a token with the role admin; it is checked against the admin API before the page opens. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    saveToken(token);
    try {
      await api.counts();
      onSignedIn();
    } catch (failure) {
      clearToken();
      setError(
        failure instanceof ApiError ? refusalInWords(failure.status, failure.message) : String(failure),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="sign-in">
      <h1>Saga inspector</h1>
      <p>
        Sign in with a bearer token that has the role admin (`npm run token -- --sub &lt;uuid&gt; --roles
        admin`).
      </p>
      <form onSubmit={submit}>
        <label for="token">Admin token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
