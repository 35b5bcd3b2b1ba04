import { useMemo, useState } from 'preact/hooks';
import { createApi, type Me } from './api';
import { Layout } from './components/layout';
import { DomainsPage } from './pages/domains';
import { FailedPage } from './pages/failed';
import { InboundListPage } from './pages/inbound-list';
import { InboundMailPage } from './pages/inbound-mail';
import { MessagePage } from './pages/message';
import { MessagesPage } from './pages/messages';
import { SignIn } from './pages/sign-in';
import { StatsPage } from './pages/stats';
import { useRoute, type Route } from './router';
import { forgetKey, SessionContext, storedKey, type Session } from './session';

/** Which page a route shows; unknown routes show the messages list. */
function page(route: Route) {
  const [section, id] = route.parts;
  switch (section) {
    case 'messages':
      return id ? <MessagePage id={id} /> : <MessagesPage query={route.query} />;
    case 'failed':
      return <FailedPage query={route.query} />;
    case 'inbound':
      return id ? <InboundMailPage id={id} /> : <InboundListPage query={route.query} />;
    case 'stats':
      return <StatsPage query={route.query} />;
    case 'domains':
      return <DomainsPage domain={id} />;
    default:
      return <MessagesPage query={route.query} />;
  }
}

export function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState<{ key: string; me: Me } | null>(null);
  const session = useMemo<Session | null>(() => {
    if (!signedIn) return null;
    const signOut = () => {
      forgetKey();
      setSignedIn(null);
    };
    return { me: signedIn.me, api: createApi(signedIn.key, signOut), signOut };
  }, [signedIn]);

  if (!session) return <SignIn initialKey={storedKey()} onSignedIn={(key, me) => setSignedIn({ key, me })} />;
  return (
    <SessionContext.Provider value={session}>
      <Layout section={route.parts[0] ?? 'messages'} path={route.parts.join('/')}>
        {page(route)}
      </Layout>
    </SessionContext.Provider>
  );
}
