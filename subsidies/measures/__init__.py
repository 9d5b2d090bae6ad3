"""One module per measure of the plan 塔行发〔2019〕16号, named after its clause: m01 is （一）, m11 is （十一）.

Each holds what its clause decides: who qualifies, what is checked, what approval does, the words its pages need.
`subsidies.kinds` says which of these each kind of case uses; the shared workflow (`subsidies.cases`) imports none.
"""
