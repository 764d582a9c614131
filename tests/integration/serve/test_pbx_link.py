"""Desktops hear whether the server has its AMI link to the PBX."""

from __future__ import annotations

from tests.integration.serve.conftest import ALICE_TOKEN, BOB_TOKEN, Server, until


async def test_agents_hear_when_the_pbx_link_goes_down_and_comes_back(server: Server) -> None:
    alice, bob = await server.agent(ALICE_TOKEN), await server.agent(BOB_TOKEN)
    assert alice.welcome["pbx"]["connected"] is True
    assert alice.welcome["pbx"]["since"].endswith("Z")

    await server.pbx.server.drop_connections()

    for agent in (alice, bob):  # every agent, not only those with calls
        down = await agent.event("pbx.link", timeout=30)
        assert down["data"]["connected"] is False
        up = await agent.event("pbx.link", timeout=30)
        assert up["data"]["connected"] is True
        assert up["seq"] == down["seq"] + 1
        assert up["data"]["since"] >= down["data"]["since"]


async def test_a_welcome_while_the_link_is_down_says_so(server: Server) -> None:
    await server.pbx.server.stop()
    await until(lambda: server.app.ami.state != "connected", timeout=30)
    alice = await server.agent(ALICE_TOKEN)
    assert alice.welcome["pbx"]["connected"] is False
