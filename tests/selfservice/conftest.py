import pytest


@pytest.fixture
def customer_client(client, customer, login):
    """A test client signed in as the customer, with a fresh sign-in."""
    login(client, customer)
    return client
