"""People's names as texts and calls use them."""


def first_name(full_name: str) -> str:
    return full_name.split()[0] if full_name.strip() else full_name
