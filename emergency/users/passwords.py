"""What makes a console password too weak, after NCSC guidance and NIST SP 800-63B: length
(at least 12 characters, spaces allowed), not a known common password, not a character or a
short run repeated, not a row of the keyboard or the alphabet, and not the username. No
composition rules (a digit, a capital, a symbol): they make passwords harder to remember, not
harder to guess. Pure."""
from functools import cache
from pathlib import Path

SHORTEST = 12
FEWEST_DIFFERENT_CHARACTERS = 5
# Rows people type as if they were secret: 1234567890..., abcdef..., qwerty...
_RUNS = ("0123456789", "9876543210", "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba",
         "qwertyuiopasdfghjklzxcvbnm", "mnbvcxzlkjhgfdsapoiuytrewq")
_COMMON = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = _COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """What is wrong with the password, in words to show the person choosing it; None if nothing."""
    if len(password) < SHORTEST:
        return f"a password must be at least {SHORTEST} characters"
    folded = password.casefold()
    squeezed = "".join(folded.split())
    if folded in common_passwords() or squeezed in common_passwords():
        return "that password is one of the most common; choose another (three random words work well)"
    if len(set(squeezed)) < FEWEST_DIFFERENT_CHARACTERS or _is_repeated(squeezed):
        return "a password must not be one character or a short run of characters repeated"
    if _is_run(squeezed):
        return "a password must not be a row of the keyboard, the alphabet or the digits"
    if len(username) >= 3 and username.casefold() in folded:
        return "a password must not contain the username"
    return None


def _is_repeated(text: str) -> bool:
    """abcabcabcabc: a shorter piece over and over (up to half the length)."""
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size)
               for size in range(1, len(text) // 2 + 1))


def _is_run(text: str) -> bool:
    """The whole password is one stretch of a run, wrapping round (7890123...) as people type it."""
    return any(text in run * (len(text) // len(run) + 2) for run in _RUNS)
