"""What makes a console password too weak, after NCSC guidance and NIST SP 800-63B: shorter than
12 characters, containing the username, or easy to guess — a common password, a character or a
short run repeated, a row of the keyboard, a word with digits tacked on. How guessable a password
is comes from zxcvbn (Dropbox's estimator, with its lists of common passwords, names and words,
and its keyboard, repeat and sequence patterns). No composition rules (a digit, a capital, a
symbol): they make passwords harder to remember, not harder to guess. Pure."""
from zxcvbn import zxcvbn

SHORTEST = 12
# zxcvbn's score 3: about 10^8 guesses or more ("safely unguessable" against online attacks, and
# slowed offline by the password hash); three random words score 4.
LEAST_SCORE = 3


def password_problem(password: str, username: str = "") -> str | None:
    """What is wrong with the password, in words to show the person choosing it; None if nothing."""
    if len(password) < SHORTEST:
        return f"a password must be at least {SHORTEST} characters"
    if len(username) >= 3 and username.casefold() in password.casefold():
        return "a password must not contain the username"
    if zxcvbn(password, user_inputs=[username] if username else [])["score"] < LEAST_SCORE:
        return ("that password is too easy to guess: it is a common password, or a pattern such as a row of "
                "the keyboard or a character repeated; choose another (three random words work well)")
    return None
