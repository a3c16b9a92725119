import type { Locale, Shape } from './messages';

/** Email to staff (password reset, invitations) and the console pages of the reset flow. */
const en = {
  reset: {
    subject: 'Set a new password for Open Kitchen',
    hello: 'Hello {name},',
    body: 'Someone asked to set a new password for your Open Kitchen account ({email}). Use the link below within an hour; it works once.',
    button: 'Set a new password',
    ignore: 'If you did not ask for this, ignore this email: your password stays as it is.',
  },
  invite: {
    subject: '{inviter} invites you to {org} on Open Kitchen',
    hello: 'Hello {name},',
    body: '{inviter} invites you to join {org} on Open Kitchen as {role}. Open the link below to choose your password; it works for {days} days.',
    button: 'Accept the invitation',
  },
  linkText: 'Or copy this address into your browser:',
  forgot: {
    title: 'Forgot your password?',
    intro: 'Enter the email address of your account. We send a link to set a new password.',
    email: 'Email address',
    submit: 'Send the link',
    sent: 'If an account exists for {email}, a link to set a new password is on its way. It works for one hour.',
    back: 'Back to sign in',
  },
  reset_page: {
    title: 'Set a new password',
    intro: 'Choose a new password of at least {min} characters. You are signed out everywhere else.',
    password: 'New password',
    confirm: 'The same password again',
    mismatch: 'The two passwords are not the same.',
    submit: 'Save the new password',
    invalid: 'This link has expired or has been used already. Ask for a new one.',
    askAgain: 'Ask for a new link',
    done: 'Your password has been changed. Sign in with the new one.',
  },
  signInLink: 'Forgot your password?',
  team: {
    sent: 'We emailed the invitation to {email}.',
    kept: 'The invitation to {email} is in the outbox (no mail server is set up); you can also copy the link.',
  },
};

const nl: Shape<typeof en> = {
  reset: {
    subject: 'Stel een nieuw wachtwoord in voor Open Kitchen',
    hello: 'Beste {name},',
    body: 'Er is gevraagd om een nieuw wachtwoord voor uw Open Kitchen-account ({email}). Gebruik de link hieronder binnen een uur; hij werkt één keer.',
    button: 'Nieuw wachtwoord instellen',
    ignore: 'Heeft u dit niet gevraagd? Negeer dan deze e-mail: uw wachtwoord blijft zoals het is.',
  },
  invite: {
    subject: '{inviter} nodigt u uit voor {org} op Open Kitchen',
    hello: 'Beste {name},',
    body: '{inviter} nodigt u uit om als {role} bij {org} op Open Kitchen te komen. Open de link hieronder om uw wachtwoord te kiezen; hij werkt {days} dagen.',
    button: 'Uitnodiging aannemen',
  },
  linkText: 'Of kopieer dit adres naar uw browser:',
  forgot: {
    title: 'Wachtwoord vergeten?',
    intro: 'Vul het e-mailadres van uw account in. We sturen een link om een nieuw wachtwoord in te stellen.',
    email: 'E-mailadres',
    submit: 'Link versturen',
    sent: 'Als er een account is voor {email}, is een link voor een nieuw wachtwoord onderweg. Hij werkt een uur.',
    back: 'Terug naar aanmelden',
  },
  reset_page: {
    title: 'Nieuw wachtwoord instellen',
    intro: 'Kies een nieuw wachtwoord van minstens {min} tekens. U wordt overal elders afgemeld.',
    password: 'Nieuw wachtwoord',
    confirm: 'Hetzelfde wachtwoord nog eens',
    mismatch: 'De twee wachtwoorden zijn niet gelijk.',
    submit: 'Nieuw wachtwoord opslaan',
    invalid: 'Deze link is verlopen of al gebruikt. Vraag een nieuwe aan.',
    askAgain: 'Nieuwe link aanvragen',
    done: 'Uw wachtwoord is gewijzigd. Meld u aan met het nieuwe.',
  },
  signInLink: 'Wachtwoord vergeten?',
  team: {
    sent: 'We hebben de uitnodiging naar {email} gemaild.',
    kept: 'De uitnodiging aan {email} staat in de outbox (er is geen mailserver ingesteld); u kunt de link ook kopiëren.',
  },
};

export const staffMailMessages: Record<Locale, typeof en> = { en, nl };
