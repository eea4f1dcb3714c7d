import time

from django.core import signing


def old_stamp(form_class, seconds_ago: float = 60) -> str:
    """A stamp for `form_class` made a while ago, as a person who read the page would send."""

    class DatedSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - seconds_ago))

    return DatedSigner(salt=form_class.stamp_signer().salt).sign("")
