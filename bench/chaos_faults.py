"""placeholder"""


def run() -> tuple[bool, str]:
    return False, "not written yet"
